// Compile-time baseline: what any Asio + Beast + TLS + JSON client includes.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>

int main() {
    return 0;
}
