// Fuzz target: the client's decoding of a successful response body into <operation>_result,
// for every operation of the model. Input: one byte choosing the operation (modulo the 39, in
// IVSRT_MODEL_OPERATIONS order), then the body.
//
// Besides memory errors and UB, it checks that what decodes survives what a client does next:
// printing it (to_string), and encoding it again (to_json) decodes to an equal value.
#include <ivsrt/model/all.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace model = ivsrt::model;

namespace {

[[noreturn]] void fail(const char* what, std::string_view op, std::string_view body,
                       std::string_view detail) {
    std::fprintf(stderr, "fuzz_result_decode: %s (%.*s)\nbody: %.*s\ndetail: %.*s\n", what,
                 static_cast<int>(op.size()), op.data(), static_cast<int>(body.size()), body.data(),
                 static_cast<int>(detail.size()), detail.data());
    std::abort();
}

template <class Result>
void decode(std::string_view op, std::string_view body) {
    Result result;
    std::string error;
    // As the client does after a 2xx (detail/call.hpp): an empty body is an empty object.
    if (!model::from_json(body.empty() ? std::string_view("{}") : body, result, error)) return;
    (void)model::to_string(result);

    std::string json;
    model::to_json(result, json);
    Result again;
    if (!model::from_json(json, again, error))
        fail("re-encoded result does not decode", op, body, json);
    if (!(again == result)) fail("re-encoded result decodes to another value", op, body, json);
}

using decode_fn = void (*)(std::string_view op, std::string_view body);

struct operation {
    std::string_view name;
    decode_fn decode;
};

#define IVSRT_FUZZ_OPERATION(Name, snake) operation{#Name, &decode<model::snake##_result>},
constexpr operation operations[] = {IVSRT_MODEL_OPERATIONS(IVSRT_FUZZ_OPERATION)};
#undef IVSRT_FUZZ_OPERATION

static_assert(std::size(operations) == 39);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const operation& op = operations[data[0] % std::size(operations)];
    op.decode(op.name, std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    return 0;
}
