// libqrencode, for the QR code of /session/qr (WagoQRCode).
#include <qrencode.h>
