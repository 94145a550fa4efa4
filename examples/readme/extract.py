#!/usr/bin/env python3
"""Turns the README's C++ blocks into sources, so that the build compiles every one of them.

    extract.py README.md OUT_DIR

writes OUT_DIR/readme_program.cpp, the one block with its own main(), as it is (built and run
against the emulator by examples/run_examples.sh), and OUT_DIR/readme_fragments.cpp, every other
block as the body of a coroutine that has a client `ivs` and a stage `stage` (compiled only; the
file includes <ivsrt.hpp> and the optional <ivsrt/redis_pacing.hpp>).
"""
import pathlib
import re
import sys

FRAGMENT = """
// README.md, block {index}
[[maybe_unused]] asio::awaitable<void> readme_block_{index}(
    [[maybe_unused]] ivsrt::client& ivs, [[maybe_unused]] const model::stage& stage) {{
{body}
    co_return;
}}
"""


def main(readme, out_dir):
    blocks = re.findall(r"^```cpp\n(.*?)^```", pathlib.Path(readme).read_text(), re.M | re.S)
    programs = [b for b in blocks if re.search(r"^int main\(", b, re.M)]
    if len(programs) != 1:
        sys.exit(f"extract.py: expected one C++ block with main() in {readme}, found {len(programs)}")
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fragments = [
        FRAGMENT.format(index=i, body="".join("    " + line if line.strip() else line
                                              for line in b.splitlines(True)))
        for i, b in enumerate(blocks, 1) if b not in programs
    ]
    (out / "readme_program.cpp").write_text("// README.md's program, as it is.\n" + programs[0])
    (out / "readme_fragments.cpp").write_text(
          "// README.md's other C++ blocks, each inside a coroutine (compiled, not run).\n"
          "#include <ivsrt.hpp>\n#include <ivsrt/redis_pacing.hpp>\n\nnamespace asio = boost::asio;\nnamespace model = ivsrt::model;\n"
          + "".join(fragments))


if __name__ == "__main__":
    main(*sys.argv[1:])
