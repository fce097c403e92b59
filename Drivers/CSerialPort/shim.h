// libserialport (Debian's libserialport-dev), found through pkg-config. Only KassaDevices'
// serial transport imports this module.
#include <libserialport.h>
