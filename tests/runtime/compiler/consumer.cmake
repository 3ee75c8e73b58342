# cmake -DPACKAGE=dir -DSAME=compiler -DOTHER=compiler -DWORK=dir -P consumer.cmake
# The runtime package names the compiler it was built with: a project configured with that one
# finds it; one configured with another compiler is refused with a message that names both.
get_filename_component(here "${CMAKE_CURRENT_LIST_FILE}" DIRECTORY)
function(configure_with compiler dir result_var output_var)
    file(REMOVE_RECURSE ${dir})
    execute_process(COMMAND ${CMAKE_COMMAND} -S ${here}/consumer -B ${dir}
        -DCMAKE_CXX_COMPILER=${compiler} -Dtakehome_runtime_DIR=${PACKAGE}
        RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
    set(${result_var} ${result} PARENT_SCOPE)
    set(${output_var} "${out}${err}" PARENT_SCOPE)
endfunction()
configure_with(${SAME} ${WORK}/same same_result same_output)
if(NOT same_result EQUAL 0)
    message(FATAL_ERROR "the package's own compiler ${SAME} was refused:\n${same_output}")
endif()
configure_with(${OTHER} ${WORK}/other other_result other_output)
if(other_result EQUAL 0)
    message(FATAL_ERROR "a project compiled by ${OTHER} was given the package built by ${SAME}")
endif()
if(NOT other_output MATCHES "takehome_runtime was built with .*Configure with[ \n]+-DCMAKE_CXX_COMPILER=")
    message(FATAL_ERROR "refused, but without naming the compilers:\n${other_output}")
endif()
message(STATUS "refused as it should be")
