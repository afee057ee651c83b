# toolchain_module(TOOLCHAIN PART): adds the module leaf-TOOLCHAIN (PART leaf) or caller-TOOLCHAIN
# (PART caller, calling the two other toolchains' leaves, cmod and jsmod) with host_add_module,
# writing its folder to ${MODULES_DIR}. Used by this folder's project and by the main build.
set(TOOLCHAIN_MODULES_SOURCE ${CMAKE_CURRENT_LIST_DIR})

function(toolchain_module toolchain part)
  set(all gxx clang libcxx)
  if(NOT toolchain IN_LIST all)
    message(FATAL_ERROR "toolchain_module: TOOLCHAIN must be one of ${all}, got ${toolchain}")
  endif()
  string(SUBSTRING ${toolchain} 0 1 first)
  string(TOUPPER ${first} first)
  string(SUBSTRING ${toolchain} 1 -1 rest)
  set(suffix ${first}${rest})  # gxx -> Gxx
  set(name ${part}-${toolchain})
  string(SUBSTRING ${part} 0 1 p)
  string(TOUPPER ${p} p)
  string(SUBSTRING ${part} 1 -1 part_rest)
  set(object ${p}${part_rest}${suffix})  # LeafGxx, CallerGxx
  set(gen ${CMAKE_CURRENT_BINARY_DIR}/${name})

  if(part STREQUAL "leaf")
    file(WRITE ${gen}/module.json.in "{\"name\": \"${name}\", \"version\": \"0.1.0\", \"sdk\": \"cpp\", \"description\": \"A callee of the toolchain matrix.\"}\n")
    configure_file(${gen}/module.json.in ${gen}/module.json COPYONLY)
    host_add_module(${name} SOURCES ${TOOLCHAIN_MODULES_SOURCE}/leaf.cc MANIFEST ${gen}/module.json
                    OUTPUT_DIR ${MODULES_DIR}/${name})
    target_compile_definitions(${name} PRIVATE LEAF_NAME="${name}" LEAF_OBJECT="${object}"
                               LEAF_SUFFIX="${suffix}")
  else()
    list(REMOVE_ITEM all ${toolchain})
    list(GET all 0 a)
    list(GET all 1 b)
    set(deps "{\"name\": \"leaf-${a}\", \"source\": \"../leaf-${a}\"}, {\"name\": \"leaf-${b}\", \"source\": \"../leaf-${b}\"}, {\"name\": \"cmod\", \"source\": \"../cmod\"}, {\"name\": \"jsmod\", \"source\": \"../jsmod\"}")
    file(WRITE ${gen}/module.json.in "{\"name\": \"${name}\", \"version\": \"0.1.0\", \"sdk\": \"cpp\", \"description\": \"A caller of the toolchain matrix.\", \"dependencies\": [${deps}]}\n")
    configure_file(${gen}/module.json.in ${gen}/module.json COPYONLY)
    set(header "")
    foreach(leaf a b)
      set(tc ${${leaf}})
      string(SUBSTRING ${tc} 0 1 f)
      string(TOUPPER ${f} f)
      string(SUBSTRING ${tc} 1 -1 r)
      string(TOUPPER ${leaf} L)
      string(APPEND header "#include \"deps/leaf-${tc}.h\"\n#define LEAF_${L} deps::leaf_${tc}\n#define LEAF_${L}_NAME \"leaf-${tc}\"\n#define LEAF_${L}_SHAPE deps::Shape${f}${r}\n")
    endforeach()
    string(APPEND header "#define CALLER_NAME \"${name}\"\n#define CALLER_OBJECT \"${object}\"\n")
    file(WRITE ${gen}/include/matrix_deps.h.in "${header}")
    configure_file(${gen}/include/matrix_deps.h.in ${gen}/include/matrix_deps.h COPYONLY)
    host_add_module(${name} SOURCES ${TOOLCHAIN_MODULES_SOURCE}/caller.cc
                    MANIFEST ${gen}/module.json OUTPUT_DIR ${MODULES_DIR}/${name})
    target_include_directories(${name} PRIVATE ${gen}/include)
  endif()
endfunction()
