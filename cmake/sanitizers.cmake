# Sanitizers apply to the whole build so that libraries and tests agree on instrumentation.
if(TG_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
    # GCC 12 with ASan reports -Wmaybe-uninitialized inside libstdc++'s <regex> (GCC PR 105562),
    # which httplib.h includes; a false positive that would fail the -Werror build. Clang (the
    # fuzz build) has no such warning, and would reject the option.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        add_compile_options(-Wno-maybe-uninitialized)
    endif()
elseif(TG_TSAN)
    add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
    add_link_options(-fsanitize=thread)
endif()
