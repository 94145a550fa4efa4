// Tests for ivsrt/diagnostics.hpp: the error details and their text. The completion-token adapter
// that turns them into exceptions (ivsrt/with_diagnostics.hpp): test_with_diagnostics.
#define BOOST_TEST_MODULE test_diagnostics
#include <boost/test/unit_test.hpp>

#include <ivsrt/diagnostics.hpp>

#include <string>

BOOST_AUTO_TEST_CASE(service_error_text_names_code_message_status_and_request_id) {
    ivsrt::diagnostics d;
    d.assign_service_error("ResourceNotFoundException", "Stage not found", "req-1", 404);
    BOOST_TEST(d.to_string() ==
               "ResourceNotFoundException: Stage not found (HTTP 404, request id req-1)");
    BOOST_TEST(d.aws_error_code() == "ResourceNotFoundException");
    BOOST_TEST(d.http_status() == 404u);
}

BOOST_AUTO_TEST_CASE(client_error_text_is_the_message_alone) {
    ivsrt::diagnostics d;
    d.assign_service_error("X", "y", "z", 500);
    d.assign_client_error("create_stage.name: length 200 is above the maximum 128");
    BOOST_TEST(d.to_string() == "create_stage.name: length 200 is above the maximum 128");
    BOOST_TEST(d.aws_error_code().empty());
    BOOST_TEST(d.request_id().empty());
    BOOST_TEST(d.http_status() == 0u);
}

// The exception of the default token: its text is the diagnostics' text, or the code's message
// when the diagnostics are empty.
BOOST_AUTO_TEST_CASE(error_with_diagnostics_says_what_the_diagnostics_say) {
    ivsrt::diagnostics d;
    d.assign_service_error("ThrottlingException", "slow down", "rid-7", 429);
    const ivsrt::error_with_diagnostics e(ivsrt::errc::throttling, d);
    BOOST_TEST((e.code() == ivsrt::errc::throttling));
    BOOST_TEST((e.get_diagnostics() == d));
    BOOST_TEST(e.what() ==
               std::string("ThrottlingException: slow down (HTTP 429, request id rid-7)"));

    const ivsrt::error_with_diagnostics bare(ivsrt::errc::timeout, ivsrt::diagnostics{});
    BOOST_TEST(e.what() != std::string(bare.what()));
    BOOST_TEST(bare.what() == ivsrt::make_error_code(ivsrt::errc::timeout).message());
}
