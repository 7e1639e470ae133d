# Every dependency comes from a Debian package (see README.md, "Dependencies").
find_package(PkgConfig REQUIRED)
find_package(xapian REQUIRED)
find_package(pugixml REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)

# xapian-config.cmake defines variables, not a target: wrap them in one.
if(NOT TARGET citego::xapian)
  add_library(citego::xapian INTERFACE IMPORTED)
  set_target_properties(citego::xapian PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${XAPIAN_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${XAPIAN_LIBRARIES}")
endif()
