// ivsrt's out-of-line code for the tests, examples, benchmarks and tools of this repository,
// compiled once (IVSRT_SEPARATE_COMPILATION is set by the build) in six translation units so
// that both cores work on it: core (this file), model, transport, sigv4, credentials and client.
// They include exactly the files <ivsrt/src.hpp> includes (tools/test.sh checks it).
#include <ivsrt.hpp>

#include <ivsrt/impl/error.ipp>
#include <ivsrt/impl/diagnostics.ipp>
#include <ivsrt/impl/endpoint.ipp>
#include <ivsrt/impl/retry.ipp>
#include <ivsrt/impl/pacing.ipp>
#include <ivsrt/impl/aws_config.ipp>
#include <ivsrt/impl/iso8601.ipp>
#include <ivsrt/impl/credentials_value.ipp>
