# expect_fail.cmake - a regression test that must fail (s2n *_negative_test).
#
#   cmake -DFOLIOFUZZ=path/to/foliofuzz -DTRACE=file.trace -DBUGS=knob[,knob]
#         -DID=I_SOMETHING -P expect_fail.cmake
#
# With the bug knobs on, `foliofuzz run` must exit 1 (an invariant violation,
# DESIGN §9) and its report must name ID.  Anything else fails the test: a
# clean pass (the checker missed the bug), another id, a sanitizer report or
# a crash (the model broke instead of the checker catching it), or exit 2 (a
# malformed trace or an unknown knob).
# ID=ASAN instead expects an AddressSanitizer report (a knob whose bug is a
# wild pointer, not a broken invariant).  EXTRA adds run flags (e.g.
# --no-suppress for a known finding); BUGS may then be empty.
foreach(v FOLIOFUZZ TRACE BUGS ID)
	if(NOT DEFINED ${v})
		message(FATAL_ERROR "expect_fail.cmake: -D${v}=... is required")
	endif()
endforeach()

if(NOT DEFINED EXTRA)
	set(EXTRA)
endif()
execute_process(
	COMMAND ${FOLIOFUZZ} run --bugs=${BUGS} ${EXTRA} ${TRACE}
	RESULT_VARIABLE rc
	OUTPUT_VARIABLE out
	ERROR_VARIABLE err)
set(all "${out}${err}")

set(why)
if(ID STREQUAL "ASAN")
	if(rc STREQUAL "0" OR NOT all MATCHES "ERROR: AddressSanitizer")
		set(why "exit status ${rc} and no AddressSanitizer report")
	endif()
elseif(NOT rc STREQUAL "1")
	set(why "exit status ${rc}, want 1 (invariant violation)")
elseif(all MATCHES "ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:")
	set(why "a sanitizer fired; the checker must catch the bug first")
elseif(NOT all MATCHES "(^|[^A-Z0-9_])${ID}([^A-Z0-9_]|$)")
	set(why "the report does not name ${ID}")
endif()

if(why)
	message("---- foliofuzz run --bugs=${BUGS} ${TRACE}\n${all}----")
	message(FATAL_ERROR "expected ${ID} with bugs=${BUGS}: ${why}")
endif()
message(STATUS "${ID} reported with bugs=${BUGS}, as expected")
