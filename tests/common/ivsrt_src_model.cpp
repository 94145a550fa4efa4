// ivsrt's out-of-line code, part model (see ivsrt_src_core.cpp).
#include <ivsrt.hpp>

#include <ivsrt/model/impl/common.ipp>
#include <ivsrt/model/impl/http.ipp>
#include <ivsrt/model/impl/json.ipp>
#include <ivsrt/model/impl/to_string.ipp>
#include <ivsrt/model/impl/validate.ipp>
