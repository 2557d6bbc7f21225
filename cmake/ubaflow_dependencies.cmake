# Locates every third-party library ubaflow links against. All of them come
# from Debian 12 packages (deploy/deps/debian-packages.txt); nothing is vendored.

find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(Boost 1.81 REQUIRED COMPONENTS json)
find_package(absl REQUIRED)
find_package(roaring REQUIRED)
find_package(spdlog REQUIRED)
find_package(prometheus-cpp REQUIRED)
find_package(OpenSSL REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
pkg_check_modules(MARIADB REQUIRED IMPORTED_TARGET libmariadb)

# CAF 0.17.6 ships no CMake package in Debian: import its libraries by hand.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
foreach(component core io openssl)
  find_library(CAF_${component}_LIBRARY caf_${component} REQUIRED)
  add_library(caf::${component} SHARED IMPORTED)
  set_target_properties(caf::${component} PROPERTIES
    IMPORTED_LOCATION "${CAF_${component}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}")
endforeach()
set_property(TARGET caf::io APPEND PROPERTY INTERFACE_LINK_LIBRARIES caf::core)
set_property(TARGET caf::openssl APPEND PROPERTY INTERFACE_LINK_LIBRARIES caf::io OpenSSL::SSL)

# SOCI 4.0 with the MySQL (MariaDB connector) backend; no CMake package either.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIBRARY soci_core REQUIRED)
find_library(SOCI_MYSQL_LIBRARY soci_mysql REQUIRED)
add_library(soci::mysql INTERFACE IMPORTED)
set_target_properties(soci::mysql PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES "${SOCI_MYSQL_LIBRARY};${SOCI_CORE_LIBRARY};PkgConfig::MARIADB;${CMAKE_DL_LIBS}")

if(UBAFLOW_BUILD_TESTS)
  find_path(DOCTEST_INCLUDE_DIR doctest/doctest.h REQUIRED)
endif()
