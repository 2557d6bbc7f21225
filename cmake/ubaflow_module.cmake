# Project-wide compile settings and the helper each module uses to declare its
# static library.

set(UBAFLOW_WARNINGS -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor
    -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)

add_library(ubaflow_options INTERFACE)
target_compile_options(ubaflow_options INTERFACE ${UBAFLOW_WARNINGS})
target_include_directories(ubaflow_options INTERFACE "${PROJECT_SOURCE_DIR}")
if(UBAFLOW_SANITIZE)
  target_compile_options(ubaflow_options INTERFACE
    -fsanitize=${UBAFLOW_SANITIZE} -fno-omit-frame-pointer)
  target_link_options(ubaflow_options INTERFACE -fsanitize=${UBAFLOW_SANITIZE})
endif()

# ubaflow_add_module(<name> SOURCES <files...> DEPS <targets...>)
# Declares the static library ubaflow_<name>; includes are rooted at the
# repository root ("worker/parse/json_event_parser.hpp").
function(ubaflow_add_module name)
  cmake_parse_arguments(arg "" "" "SOURCES;DEPS" ${ARGN})
  add_library(ubaflow_${name} STATIC ${arg_SOURCES})
  target_link_libraries(ubaflow_${name} PUBLIC ubaflow_options ${arg_DEPS})
endfunction()
