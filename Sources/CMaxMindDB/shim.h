// libmaxminddb through a fixed-arity door: MMDB_get_value is variadic and not importable.
#ifndef TRACEMAP_CMAXMINDDB_SHIM_H
#define TRACEMAP_CMAXMINDDB_SHIM_H
#include <maxminddb.h>
#endif
