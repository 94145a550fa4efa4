// ivsrt's out-of-line code, part model (see core.cpp).
#include <ivsrt.hpp>

#include <ivsrt/model_support/impl/common.ipp>
#include <ivsrt/model_support/impl/http.ipp>
#include <ivsrt/model/impl/json.ipp>
#include <ivsrt/model/impl/to_string.ipp>
#include <ivsrt/model/impl/validate.ipp>
