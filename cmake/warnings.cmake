# tg_warnings: the project's warning set, linked PRIVATE by every target we compile.
add_library(tg_warnings INTERFACE)
target_compile_options(tg_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
if(TG_WARNINGS_AS_ERRORS)
    target_compile_options(tg_warnings INTERFACE -Werror)
endif()
# Clang 19 reports libstdc++ 12's own use of its deprecated std::get_temporary_buffer (inside
# <bits/stl_tempbuf.h>, instantiated by std::stable_sort) at the caller. The g++ build keeps
# -Wdeprecated-declarations, so nothing of ours goes unchecked.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 19)
    target_compile_options(tg_warnings INTERFACE -Wno-deprecated-declarations)
endif()
