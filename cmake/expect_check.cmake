# expect_check.cmake - every trace's "# expect:" line, checked at configure
# time by the same C parser as `foliofuzz expect` (src/harness/expect.c;
# include/foliofuzz/expect.h has the grammar).
#
# include()d by CMakeLists.txt, it defines
#
#   ff_expect_check(OUT_VAR CC BIN_DIR TRACE...)
#
# which builds BIN_DIR/expect_check from cmake/expect_check.c,
# src/harness/expect.c, readfile.c, src/glue/tables.c and src/harness/bugs.c with the
# C compiler CC (again only when a source is newer), runs it over the
# traces (named relative to the source root when under it) and sets
# OUT_VAR to one line per trace, "TRACE\tKIND\tID\tBUGS\tFINDING\tFIX".
# A malformed line stops the configure: each "TRACE:LINE: message" is
# printed as it is, then a fatal error.
#
# Script mode, for a test of exactly that path:
#   cmake -DCC=cc -DBIN_DIR=DIR -DTRACES="a.trace;b.trace" -P expect_check.cmake
# prints the lines, or fails like the configure does.

get_filename_component(ff_expect_root ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)

function(ff_expect_check out_var cc bin_dir)
	set(root ${ff_expect_root})
	set(srcs ${root}/cmake/expect_check.c ${root}/src/harness/expect.c
		${root}/src/harness/readfile.c ${root}/src/glue/tables.c
		${root}/src/harness/bugs.c)
	set(deps ${srcs} ${root}/include/foliofuzz/expect.h
		${root}/include/foliofuzz/fail.h ${root}/include/foliofuzz/bugs.h
		${root}/include/foliofuzz/glue.h
		${root}/include/foliofuzz/invariants.def
		${root}/include/foliofuzz/findings.def
		${root}/include/foliofuzz/bugs.def)
	set(bin ${bin_dir}/expect_check)

	set(stale FALSE)
	foreach(d IN LISTS deps)
		if(NOT EXISTS ${bin} OR ${d} IS_NEWER_THAN ${bin})
			set(stale TRUE)
		endif()
	endforeach()
	if(stale)
		file(MAKE_DIRECTORY ${bin_dir})
		execute_process(
			COMMAND ${cc} -std=c11 -O1 -I${root}/include ${srcs}
				-o ${bin}
			RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
		if(NOT rc EQUAL 0)
			file(REMOVE ${bin})
			message(FATAL_ERROR "cannot build the '# expect:' checker "
				"with ${cc}:\n${out}${err}")
		endif()
	endif()

	set(args)
	foreach(t IN LISTS ARGN)
		file(RELATIVE_PATH rel ${root} ${t})
		if(rel MATCHES "^\\.\\./")
			set(rel ${t})
		endif()
		list(APPEND args ${rel})
	endforeach()
	if(NOT args)
		set(${out_var} "" PARENT_SCOPE)
		return()
	endif()
	execute_process(COMMAND ${bin} ${args}
		WORKING_DIRECTORY ${root}
		RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
	if(NOT rc EQUAL 0)
		# First as it is, so each file:line starts a line; then in the
		# error (lines starting with a blank are not rewrapped there).
		message(NOTICE "${err}")
		string(REGEX REPLACE "\n$" "" err "${err}")
		string(REPLACE "\n" "\n " err " ${err}")
		message(FATAL_ERROR "malformed '# expect:' line (the grammar is "
			"in include/foliofuzz/expect.h):\n${err}")
	endif()
	string(REGEX REPLACE "\n$" "" out "${out}")
	string(REPLACE "\n" ";" out "${out}")
	set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
	foreach(v CC BIN_DIR TRACES)
		if(NOT DEFINED ${v})
			message(FATAL_ERROR "expect_check.cmake: -D${v}=... is required")
		endif()
	endforeach()
	ff_expect_check(lines ${CC} ${BIN_DIR} ${TRACES})
	foreach(l IN LISTS lines)
		message("${l}")
	endforeach()
endif()
