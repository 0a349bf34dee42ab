# targets_check.cmake - `foliofuzz targets` lists exactly CMakeLists.txt's
# FF_FUZZ_TARGETS, in the same order, each line NAME NR_OPS DIFFERENTIAL
# DOC (tab-separated; NR_OPS >= 1, DIFFERENTIAL 0 or 1, DOC not empty),
# and every listed target has its fuzz/NAME.c.
#
#   cmake -DFOLIOFUZZ=path -DTARGETS="ops;dax" -DSRC=dir -P targets_check.cmake
foreach(v FOLIOFUZZ TARGETS SRC)
	if(NOT DEFINED ${v})
		message(FATAL_ERROR "targets_check.cmake: -D${v}= is required")
	endif()
endforeach()
execute_process(COMMAND ${FOLIOFUZZ} targets
	OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
	message(FATAL_ERROR "foliofuzz targets exited ${rc}: ${err}")
endif()
string(REGEX REPLACE "\n$" "" out "${out}")
string(REPLACE ";" "\\;" out "${out}")
string(REPLACE "\n" ";" lines "${out}")
set(names)
foreach(line IN LISTS lines)
	if(NOT line MATCHES "^([a-z0-9_]+)\t([1-9][0-9]*)\t([01])\t([^\t]+)$")
		message(FATAL_ERROR "foliofuzz targets: malformed line '${line}'; "
			"want NAME<TAB>NR_OPS<TAB>0|1<TAB>DOC")
	endif()
	list(APPEND names ${CMAKE_MATCH_1})
	if(NOT EXISTS ${SRC}/fuzz/${CMAKE_MATCH_1}.c)
		message(FATAL_ERROR "target ${CMAKE_MATCH_1} has no fuzz/${CMAKE_MATCH_1}.c")
	endif()
endforeach()
if(NOT names STREQUAL TARGETS)
	message(FATAL_ERROR "foliofuzz targets lists '${names}', CMakeLists.txt's "
		"FF_FUZZ_TARGETS is '${TARGETS}': the same names in the same order")
endif()
list(LENGTH names n)
message(STATUS "foliofuzz targets: ${n} targets, as FF_FUZZ_TARGETS")
