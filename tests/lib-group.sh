# lib-group.sh - a hub and three members for the group tests, sourced
# after test-lib.sh:
#
#   group_parties   makes hub, ae-cert, ru-cert and us-cert on free ports
#   group_linked    starts their daemons and links the hub with each
#                   member both ways (a test may edit hotline.conf between)
#   count PARTY SQL the first column of SQL run on PARTY's store
#   received PARTY  how many envelopes PARTY holds from the hub

group_parties() {
	new_party hub "$(free_port)" && new_party ae-cert "$(free_port)" &&
	new_party ru-cert "$(free_port)" && new_party us-cert "$(free_port)" ||
		echo "Bail out! the parties could not be made"
}

group_linked() {
	start_daemon hub && start_daemon ae-cert && start_daemon ru-cert &&
	start_daemon us-cert &&
	link_both hub ae-cert && link_both hub ru-cert && link_both hub us-cert ||
		echo "Bail out! the hub and its three members could not be linked"
}

count() {
	sqlite3 "$TEST_DIR/$1/hotline.db" "$2"
}

received() {
	count "$1" "SELECT count(*) FROM envelope e JOIN link l ON l.id = e.link
		WHERE l.name = 'hub' AND e.side = 1"
}
