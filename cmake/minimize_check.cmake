# minimize_check.cmake - `foliofuzz minimize` shrinks a failing input and
# keeps its failure (docs/design.md §19: same invariant id).
#
#   cmake -DFOLIOFUZZ=path/to/foliofuzz -DINPUT=noisy.trace -DBUGS=knob
#         -DID=I_SOMETHING -DMAX_OPS=N -DOUT=result.trace
#         -P minimize_check.cmake
#
# Fails unless: INPUT breaks ID with the knob on; minimize exits 0; OUT has at
# most MAX_OPS ops and fewer than INPUT; its "# expect:" line names ID with
# bugs=BUGS; and OUT still breaks ID with the knob on and passes without.
foreach(v FOLIOFUZZ INPUT BUGS ID MAX_OPS OUT)
	if(NOT DEFINED ${v})
		message(FATAL_ERROR "minimize_check.cmake: -D${v}=... is required")
	endif()
endforeach()

# Ops in a text trace: lines that are neither blank nor comments.
function(count_ops file var)
	file(STRINGS ${file} lines)
	set(n 0)
	foreach(l IN LISTS lines)
		if(NOT l MATCHES "^[ \t]*(#|$)")
			math(EXPR n "${n} + 1")
		endif()
	endforeach()
	set(${var} ${n} PARENT_SCOPE)
endfunction()

function(run_expect want_rc want_id)
	execute_process(COMMAND ${FOLIOFUZZ} run ${ARGN}
		RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
	if(NOT rc STREQUAL want_rc)
		message(FATAL_ERROR "foliofuzz run ${ARGN}: exit ${rc}, want "
			"${want_rc}\n${out}${err}")
	endif()
	if(want_id AND NOT out MATCHES "invariant ${want_id} violated")
		message(FATAL_ERROR "foliofuzz run ${ARGN}: does not report "
			"${want_id}\n${out}${err}")
	endif()
endfunction()

run_expect(1 ${ID} --bugs=${BUGS} ${INPUT})
file(REMOVE ${OUT})
execute_process(COMMAND ${FOLIOFUZZ} minimize ${INPUT} --bugs=${BUGS} -o ${OUT}
	RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL "0" OR NOT EXISTS ${OUT})
	message(FATAL_ERROR "foliofuzz minimize: exit ${rc}\n${out}${err}")
endif()
message(STATUS "${err}")

count_ops(${INPUT} n_in)
count_ops(${OUT} n_out)
file(READ ${OUT} text)
if(n_out GREATER MAX_OPS OR NOT n_out LESS n_in)
	message(FATAL_ERROR "minimized ${n_in} ops to ${n_out}, want at most "
		"${MAX_OPS}:\n${text}")
endif()
# Its expectation, read by the one parser (`foliofuzz expect`).
execute_process(COMMAND ${FOLIOFUZZ} expect ${OUT}
	RESULT_VARIABLE rc OUTPUT_VARIABLE expect ERROR_VARIABLE err)
if(NOT rc STREQUAL "0" OR NOT expect STREQUAL "bug\t${ID}\t${BUGS}\t-\t-\n")
	message(FATAL_ERROR "no '# expect: ${ID} with bugs=${BUGS}' line "
		"(foliofuzz expect: exit ${rc}, '${expect}${err}'):\n${text}")
endif()
run_expect(1 ${ID} --bugs=${BUGS} ${OUT})
run_expect(0 "" ${OUT})
message(STATUS "${n_in} ops -> ${n_out}, still ${ID} with bugs=${BUGS}")
