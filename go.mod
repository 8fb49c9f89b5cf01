module github.com/int8scope/int8scope

go 1.26.8

require github.com/google/flatbuffers v25.12.19+incompatible // indirect
