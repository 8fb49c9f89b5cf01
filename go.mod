module github.com/int8scope/int8scope

go 1.26.8

require (
	github.com/google/flatbuffers v25.12.19+incompatible
	github.com/gorilla/websocket v1.5.3
	github.com/hack-pad/safejs v0.1.0
	gonum.org/v1/gonum v0.17.0
)
