// ivsrt's out-of-line code, part transport: connections and tokens (see core.cpp; signing is
// in sigv4.cpp, the credential providers in credentials.cpp).
#include <ivsrt.hpp>

#include <ivsrt/impl/connection_pool.ipp>
#include <ivsrt/impl/http_connection.ipp>
#include <ivsrt/impl/proxy.ipp>
#include <ivsrt/impl/dns.ipp>
#include <ivsrt/impl/tls.ipp>
#include <ivsrt/impl/jwt.ipp>
#include <ivsrt/impl/participant_token.ipp>
