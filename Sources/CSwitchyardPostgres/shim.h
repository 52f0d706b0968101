// libpq, the PostgreSQL client library (headers under /usr/include/postgresql, found by pkg-config).
#include <libpq-fe.h>
#include <poll.h>
