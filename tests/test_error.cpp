// Tests for ivsrt/error.hpp: the error category and the stable code names.
#define BOOST_TEST_MODULE test_error
#include <boost/test/unit_test.hpp>

#include <ivsrt/error.hpp>

#include <set>
#include <string>

BOOST_AUTO_TEST_CASE(codes_convert_to_error_code_in_ivsrt_category) {
    boost::system::error_code ec = ivsrt::errc::resource_not_found;
    BOOST_TEST(ec.category().name() == std::string("ivsrt"));
    BOOST_TEST(ec.message() == "resource_not_found");
    BOOST_TEST((ec == ivsrt::errc::resource_not_found));
    BOOST_TEST((ec != ivsrt::errc::validation));
    BOOST_TEST(static_cast<bool>(ec));
}

BOOST_AUTO_TEST_CASE(every_code_has_a_distinct_name) {
    std::set<std::string_view> names;
    for (int i = static_cast<int>(ivsrt::errc::access_denied);
         i <= static_cast<int>(ivsrt::errc::invalid_response); ++i) {
        auto name = ivsrt::to_string(static_cast<ivsrt::errc>(i));
        BOOST_TEST(name != "unknown");
        BOOST_TEST(names.insert(name).second, "duplicate name " << name);
    }
    BOOST_TEST(ivsrt::to_string(static_cast<ivsrt::errc>(999)) == "unknown");
}
