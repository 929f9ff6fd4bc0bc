package main

import "context"

type Growth struct{}
type KyvernoResult struct{}
type APIServerResult struct{}

func (b *bench) growth() (*Growth, error)                                        { return nil, nil }
func (b *bench) kyverno(ctx context.Context, bin string) (*KyvernoResult, error) { return nil, nil }
func (b *bench) apiserver(ctx context.Context) (*APIServerResult, error)         { return nil, nil }
func plotLatency(r *Results, path string) error                                  { return nil }
func markdown(r *Results, png string) string                                     { return "" }
