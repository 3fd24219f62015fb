#ifndef CIVICVAULT_CSODIUM_SHIM_H
#define CIVICVAULT_CSODIUM_SHIM_H
#include <sodium.h>
#endif
