# Developer shortcuts; every target is also an npm script.
.PHONY: generate build test baseline bench

generate:
	npx buf generate

build:
	npm run build

test:
	npm test

# Refresh the committed image that `buf breaking` compares against (only after a deliberate wire change).
baseline:
	npx buf build -o proto/baseline.binpb

bench:
	npm run bench
