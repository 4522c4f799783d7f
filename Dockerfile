# aisight container image: a static binary on distroless/static, non-root.
#   docker build --build-arg VERSION=$(git describe --tags --always) -t aisight .
# Pin both base images by digest in your build (docker buildx imagetools inspect).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# The same command deploy/deploy_test.go checks produces a static binary.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/aisight ./cmd/aisight

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/aisight /usr/local/bin/aisight
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/aisight"]
CMD ["--help"]
