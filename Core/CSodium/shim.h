// libsodium, for the Ed25519 arithmetic behind XEdDSA (WACrypto).
#include <sodium.h>
