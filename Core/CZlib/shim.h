// System zlib for WABinary's compressed frames. `inflateInit` is a macro, which Swift cannot
// import, so it is wrapped here.
#ifndef WAGO_CZLIB_SHIM_H
#define WAGO_CZLIB_SHIM_H

#include <zlib.h>

static inline int czlib_inflate_init(z_stream *stream) {
    return inflateInit(stream);
}

#endif
