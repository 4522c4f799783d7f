module example.com/agent

go 1.23

require (
	github.com/openai/openai-go v1.2.0
	github.com/tmc/langchaingo v0.1.13 // indirect
	golang.org/x/sync v0.10.0
)
