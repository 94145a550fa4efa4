// Local participant-token minting, next to its floor: a bare OpenSSL ES384 signature (P-384,
// SHA-384, DER output) of a signing input of the same size, on the same key.
//
// The ratio BM_mint / BM_raw_openssl_es384_sign (items per second, same run, same thread
// count) is the share of raw signing throughput that minting keeps. On a shared machine compare
// CPU time per item, or count instructions (valgrind --tool=callgrind, see the report in the
// commit that added this file).
#include <ivsrt/detail/jwt.hpp>
#include <ivsrt/participant_token.hpp>

#include <benchmark/benchmark.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>

namespace {

ivsrt::participant_token_claims claims() {
    ivsrt::participant_token_claims c;
    c.stage_arn = "arn:aws:ivs:us-west-2:123456789012:stage/8zoOP0ZFkCVy";
    c.events_url = "wss://global.events.live-video.net";
    c.whip_url = "https://453fdfd2ad24df.global-bm.whip.live-video.net";
    c.user_id = "user-123";
    c.attributes = {{"displayName", "Ada"}, {"room", "main-hall-e12"}};
    return c;  // participant id generated, issue time now: the full minting path
}

struct pkey_free {
    void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};

std::unique_ptr<EVP_PKEY, pkey_free> load_key(const std::string& pem) {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (key == nullptr) throw std::runtime_error("PEM_read_bio_PrivateKey failed");
    return std::unique_ptr<EVP_PKEY, pkey_free>(key);
}

// Set up before main, so that the measured functions hold nothing but their loops.
const ivsrt::participant_token_key_pair keys = ivsrt::generate_participant_token_key_pair();
const ivsrt::participant_token_minter minter(
    keys.private_key_pem, "arn:aws:ivs:us-west-2:123456789012:public-key/abcdEFGH1234");
const std::string sample_token = *minter.mint(claims()).token;
// What the raw signer signs: the signing input of a minted token, same size and bytes.
const std::string signing_input = sample_token.substr(0, sample_token.rfind('.'));
const std::unique_ptr<EVP_PKEY, pkey_free> raw_key = load_key(keys.private_key_pem);

// The baseline: what an application calling OpenSSL directly does per token.
void BM_raw_openssl_es384_sign(benchmark::State& state) {
    std::array<unsigned char, 128> der;
    for (auto _ : state) {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        std::size_t size = der.size();
        if (EVP_DigestSignInit_ex(ctx, nullptr, "SHA2-384", nullptr, nullptr, raw_key.get(),
                                  nullptr) != 1 ||
            EVP_DigestSign(ctx, der.data(), &size,
                           reinterpret_cast<const unsigned char*>(signing_input.data()),
                           signing_input.size()) != 1) {
            state.SkipWithError("EVP_DigestSign failed");
        }
        EVP_MD_CTX_free(ctx);
        benchmark::DoNotOptimize(der.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_raw_openssl_es384_sign)->Threads(1)->Threads(2)->UseRealTime();

// The full mint: claims checked, participant id drawn, JSON written, base64url, signature,
// DER to r||s, and the result struct filled.
void BM_mint(benchmark::State& state) {
    const ivsrt::participant_token_claims c = claims();
    for (auto _ : state) {
        auto token = minter.mint(c);
        benchmark::DoNotOptimize(token.token->data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_mint)->Threads(1)->Threads(2)->UseRealTime();

void BM_verify(benchmark::State& state) {
    const ivsrt::detail::es384_public_key key(keys.public_key_pem);
    for (auto _ : state) benchmark::DoNotOptimize(key.verify_jwt(sample_token));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_verify);

}  // namespace

BENCHMARK_MAIN();
