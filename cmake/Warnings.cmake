# citego_strict(TARGET): the project's warning and sanitizer flags, per target. With CITEGO_FUZZ every target is also
# instrumented for libFuzzer's coverage (the harnesses of tests/fuzz add libFuzzer itself) and runs under ASan and UBSan.
function(citego_strict target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion)
  if(CITEGO_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(CITEGO_SANITIZERS)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(CITEGO_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
