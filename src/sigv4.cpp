// ivsrt's out-of-line code, part SigV4 signing: a TU of its own, so that a program that only
// signs (examples/sign_request.cpp) links none of the transport (see core.cpp).
#include <ivsrt/sigv4.hpp>

#include <ivsrt/impl/sigv4.ipp>
