// libpq, PostgreSQL's own client library (what psql uses): its header only,
// from libpq-dev, for the types and constants. The library is not linked;
// poolbench loads it when a postgresql:// history is opened (LibPQ.swift).
// Debian and Ubuntu keep the header under postgresql/, Fedora beside the rest.
#if __has_include(<postgresql/libpq-fe.h>)
#include <postgresql/libpq-fe.h>
#elif __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#error "libpq-fe.h not found: install PostgreSQL's client headers (apt-get install libpq-dev, or dnf install libpq-devel)."
#endif
