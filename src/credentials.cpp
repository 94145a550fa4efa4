// ivsrt's out-of-line code, part credentials: the providers (profile, web identity, assume
// role, container, IMDS, process), their formats and endpoints, the cache (see core.cpp).
#include <ivsrt.hpp>

#include <ivsrt/impl/credentials_formats.ipp>
#include <ivsrt/impl/credential_endpoints.ipp>
#include <ivsrt/impl/credential_providers.ipp>
#include <ivsrt/impl/credentials_cache.ipp>
