// ivsrt's out-of-line code, part client (see core.cpp).
#include <ivsrt.hpp>

#include <ivsrt/impl/call.ipp>
#include <ivsrt/impl/client.ipp>
