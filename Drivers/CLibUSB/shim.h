// libusb-1.0 (Debian's libusb-1.0-0-dev), found through pkg-config (its include path is
// .../libusb-1.0). Only KassaDevices' USB transports and discovery import this module.
#include <libusb.h>
