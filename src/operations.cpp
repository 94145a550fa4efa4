// ivsrt's out-of-line code, part operations (see core.cpp).
#include <ivsrt.hpp>

#include <ivsrt/impl/operations.ipp>
