# cmake -DCXX=compiler -DSRC=file.cpp -DOUT=exe -P build_and_run.cmake
# Builds SRC with CXX at -O0 and -O2 and runs each: it must exit 0 and print 100.
foreach(opt -O0 -O2)
    execute_process(COMMAND ${CXX} -std=c++20 ${opt} ${SRC} -o ${OUT}${opt}
        RESULT_VARIABLE built ERROR_VARIABLE errors)
    if(NOT built EQUAL 0)
        message(FATAL_ERROR "${CXX} ${opt} could not build ${SRC}:\n${errors}")
    endif()
    execute_process(COMMAND ${OUT}${opt} RESULT_VARIABLE ran OUTPUT_VARIABLE out ERROR_VARIABLE err)
    string(STRIP "${out}" out)
    if(NOT ran EQUAL 0 OR NOT out STREQUAL "100")
        message(FATAL_ERROR "built by ${CXX} ${opt}, the reproducer ended with '${ran}', "
                            "printed '${out}' (want 100), stderr: ${err}")
    endif()
    message(STATUS "${CXX} ${opt}: correct")
endforeach()
