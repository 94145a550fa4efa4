// The one translation unit that compiles ivsrt's out-of-line code for the tests, examples,
// benchmarks and tools of this repository (IVSRT_SEPARATE_COMPILATION is set by the build).
#include <ivsrt/src.hpp>
