// libpq, PostgreSQL's own client library (what psql uses), from libpq-dev.
#include <libpq-fe.h>
