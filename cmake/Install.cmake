# Installation under the GNU layout, the man pages, and the Debian package.
#
#   cmake --install build --prefix PREFIX   binaries in PREFIX/bin, man pages in PREFIX/share/man/man1 and man5, the
#                                           documentation in PREFIX/share/doc/citego-search, the sample corpus in
#                                           PREFIX/share/citego-search/corpus
#   cpack --config build/CPackConfig.cmake -G DEB -B DIR
#                                           DIR/citego-search_VERSION_ARCH.deb, its dependencies found by
#                                           dpkg-shlibdeps (dpkg-dev)
#
# The man pages of the programs are made from their --help and --version at build time by help2man, with the sections
# --help does not have in man/NAME.h2m; citego-export(5) is made from schema/README.md (man/markdown_to_man.py). No
# page is written by hand, so none can disagree with the program it describes.
include(GNUInstallDirs)
# Installing (and cpack) takes what the build made, and builds nothing: a package is made after the build and its
# tests, and the debian_package test must not rebuild the tree it tests.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(TARGETS citego-index citego-search citego-client RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES README.md schema/search-response.md schema/citego-export.xsd
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# schema/README.md and README.md are two files named README.md: the schema's is installed as schema.md.
install(FILES schema/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME schema.md)
install(FILES corpus/citego-partners.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/citego-search/corpus)
install(DIRECTORY corpus/library DESTINATION ${CMAKE_INSTALL_DATADIR}/citego-search/corpus)

find_program(CITEGO_HELP2MAN help2man)
if(NOT CITEGO_HELP2MAN)
  message(FATAL_ERROR "help2man makes the man pages from --help: apt-get install help2man (see README.md, "
                      "\"Dependencies\")")
endif()
find_package(Python3 REQUIRED COMPONENTS Interpreter)

set(citego_man_dir ${PROJECT_BINARY_DIR}/man)
file(MAKE_DIRECTORY ${citego_man_dir})
set(citego_man_pages)
foreach(program citego-index citego-search citego-client)
  set(page ${citego_man_dir}/${program}.1)
  add_custom_command(OUTPUT ${page}
    COMMAND ${CITEGO_HELP2MAN} --no-info --section=1 --version-string=${PROJECT_VERSION}
            --include=${PROJECT_SOURCE_DIR}/man/${program}.h2m --output=${page} $<TARGET_FILE:${program}>
    DEPENDS ${program} ${PROJECT_SOURCE_DIR}/man/${program}.h2m
    COMMENT "Man page ${program}(1) from ${program} --help"
    VERBATIM)
  list(APPEND citego_man_pages ${page})
  install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endforeach()
set(export_page ${citego_man_dir}/citego-export.5)
add_custom_command(OUTPUT ${export_page}
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/man/markdown_to_man.py ${PROJECT_SOURCE_DIR}/schema/README.md
          ${export_page}
  DEPENDS ${PROJECT_SOURCE_DIR}/man/markdown_to_man.py ${PROJECT_SOURCE_DIR}/schema/README.md
  COMMENT "Man page citego-export(5) from schema/README.md"
  VERBATIM)
list(APPEND citego_man_pages ${export_page})
install(FILES ${export_page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
add_custom_target(citego_man_pages ALL DEPENDS ${citego_man_pages})

# The Debian package. Its dependencies are what dpkg-shlibdeps finds the binaries linked against (libxapian30,
# libpugixml1v5, libboost-program-options1.74.0, libutf8proc2, libstdc++6, libc6 on Debian 12).
set(CITEGO_PACKAGE_MAINTAINER "citego-search maintainers <citego-search@invalid>" CACHE STRING
    "Maintainer field of the Debian package")
set(CPACK_PACKAGE_NAME citego-search)
set(CPACK_PACKAGE_VENDOR CITEGO)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "search engine of the CITEGO documentary site on territorial governance")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "citego-index builds a Xapian database with facets from CITEGO XML exports; citego-search answers queries as "
    "JSON, text, CSV or JSON Lines, or serves them from long-running workers for citego-client.")
set(CPACK_PACKAGE_CONTACT ${CITEGO_PACKAGE_MAINTAINER})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://www.citego.org")
set(CPACK_GENERATOR DEB)
include(CPack)
