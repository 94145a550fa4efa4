// ivsrt's out-of-line code, part client (see ivsrt_src_core.cpp).
#include <ivsrt.hpp>

#include <ivsrt/impl/client.ipp>
