module example.com/neg

go 1.23

require github.com/getkin/kin-openapi v0.128.0
