# Installation under the GNU layout, and the Debian package.
#
#   cmake --install build --prefix PREFIX   binaries in PREFIX/bin, the documentation in PREFIX/share/doc/citego-search,
#                                           the sample corpus in PREFIX/share/citego-search/corpus
#   cpack --config build/CPackConfig.cmake -G DEB -B DIR
#                                           DIR/citego-search_VERSION_ARCH.deb, its dependencies found by
#                                           dpkg-shlibdeps (dpkg-dev)
#
include(GNUInstallDirs)

install(TARGETS citego-index citego-search citego-client RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES README.md schema/search-response.md schema/citego-export.xsd
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# schema/README.md and README.md are two files named README.md: the schema's is installed as schema.md.
install(FILES schema/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME schema.md)
install(FILES corpus/citego-partners.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/citego-search/corpus)
install(DIRECTORY corpus/library DESTINATION ${CMAKE_INSTALL_DATADIR}/citego-search/corpus)

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
