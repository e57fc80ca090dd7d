/* ctref.h - the RFC 6962 reference values of the certificate-
 * transparency tests, for the unit tests that check Hotline's Merkle
 * trees against them. */
#ifndef HL_TEST_CTREF_H
#define HL_TEST_CTREF_H

#include <stddef.h>

/* The eight leaves of the certificate-transparency reference tests. */
static const struct { const char *d; size_t n; } ref_leaves[8] = {
	{"", 0}, {"\x00", 1}, {"\x10", 1}, {"\x20\x21", 2}, {"\x30\x31", 2},
	{"\x40\x41\x42\x43", 4}, {"\x50\x51\x52\x53\x54\x55\x56\x57", 8},
	{"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f", 16},
};

/* Published values (certificate-transparency merkle_tree_test.cc,
 * transparency-dev/merkle): roots for sizes 0..8, the audit path of
 * leaf 5 (0-based) in the tree of 8, the consistency proof 6 -> 8. */
static const char *const ref_roots[9] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};
static const char *const ref_inclusion_5_8[3] = {
	"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
};
static const char *const ref_consistency_6_8[3] = {
	"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
};

#endif
