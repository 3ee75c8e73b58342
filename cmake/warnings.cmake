# tg_warnings: the project's warning set, linked PRIVATE by every target we compile.
add_library(tg_warnings INTERFACE)
target_compile_options(tg_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
if(TG_WARNINGS_AS_ERRORS)
    target_compile_options(tg_warnings INTERFACE -Werror)
endif()
