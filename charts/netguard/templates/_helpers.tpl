{{/* Names */}}
{{- define "netguard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "netguard.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "netguard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "netguard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "netguard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "netguard.labels" -}}
helm.sh/chart: {{ include "netguard.chart" . }}
{{ include "netguard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: netguard
{{- end -}}

{{- define "netguard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "netguard.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "netguard.image" -}}
{{- $repo := include "netguard.withRegistry" (list . .Values.image.repository) -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repo .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/*
An image reference with global.imageRegistry (a mirror) in place of its
registry; argument: (list $ "docker.io/alpine/kubectl:1.37.2"). The first
path component is the registry when it has a dot or a port or is
"localhost" (Docker's rule); otherwise the reference has none and the mirror
is prefixed.
*/}}
{{- define "netguard.withRegistry" -}}
{{- $ := index . 0 -}}
{{- $ref := index . 1 -}}
{{- $mirror := trimSuffix "/" (default "" ($.Values.global).imageRegistry) -}}
{{- if not $mirror -}}
{{- $ref -}}
{{- else -}}
{{- $parts := splitList "/" $ref -}}
{{- $first := first $parts -}}
{{- if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) -}}
{{- printf "%s/%s" $mirror (join "/" (rest $parts)) -}}
{{- else -}}
{{- printf "%s/%s" $mirror $ref -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of both webhook configurations (cluster-scoped). */}}
{{- define "netguard.webhookConfigName" -}}
{{- include "netguard.fullname" . -}}
{{- end -}}

{{/*
Certificate mode: "cert-manager" or "self-managed". auto picks cert-manager
when the cluster serves cert-manager.io/v1.
*/}}
{{- define "netguard.certMode" -}}
{{- $mode := .Values.certificates.mode -}}
{{- if eq $mode "auto" -}}
{{- if .Capabilities.APIVersions.Has "cert-manager.io/v1" -}}cert-manager{{- else -}}self-managed{{- end -}}
{{- else -}}
{{- $mode -}}
{{- end -}}
{{- end -}}

{{- define "netguard.tlsSecretName" -}}
{{- if eq (include "netguard.certMode" .) "secret" -}}
{{- required "certificates.secret.name is required with certificates.mode=secret" .Values.certificates.secret.name -}}
{{- else if eq (include "netguard.certMode" .) "cert-manager" -}}
{{- printf "%s-tls" (include "netguard.fullname" .) -}}
{{- else -}}
{{- default (printf "%s-certs" (include "netguard.fullname" .)) .Values.certificates.selfManaged.secretName -}}
{{- end -}}
{{- end -}}

{{/* DNS names the API server may use for the Service (it uses <svc>.<ns>.svc). */}}
{{- define "netguard.serviceDNSNames" -}}
{{- $svc := include "netguard.fullname" . -}}
{{- $ns := .Release.Namespace -}}
{{- list (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) (printf "%s.%s" $svc $ns) $svc | toJson -}}
{{- end -}}

{{/* A CEL string literal. */}}
{{- define "netguard.celString" -}}
'{{ . | replace "\\" "\\\\" | replace "'" "\\'" }}'
{{- end -}}

{{/* A CEL list of string literals. */}}
{{- define "netguard.celList" -}}
{{- $q := list -}}
{{- range . -}}{{- $q = append $q (include "netguard.celString" .) -}}{{- end -}}
[{{ join ", " $q }}]
{{- end -}}

{{/*
CEL matchCondition that lets exactly the targeted ConfigMaps reach netguard:
(request.namespace == 'ns' && (request.name in ['a', 'b'] || request.name.startsWith('prefix-'))) || ...
Names are exact or end in "*"; netguard's own config accepts any glob, the
chart only these two forms (the only ones a CEL expression here can state
without a regular expression), and fails on others.
*/}}
{{- define "netguard.configMapMatchExpression" -}}
{{- $t := .Values.config.targets -}}
{{- $byNS := dict -}}
{{- $sets := list -}}
{{- range $s := include "netguard.configMapTargetSections" . | fromJsonArray -}}
{{- $sec := get $t $s.key | default dict -}}
{{- $names := list -}}
{{- range $f := $s.fields -}}{{- $names = concat $names (get $sec $f | default list) -}}{{- end -}}
{{- $sets = append $sets (dict "ns" ($sec.namespaces | default list) "names" $names) -}}
{{- end -}}
{{- range $set := $sets -}}
{{- range $ns := $set.ns -}}
{{- $cur := get $byNS $ns | default list -}}
{{- range $n := $set.names -}}
{{- if not (has $n $cur) -}}{{- $cur = append $cur $n -}}{{- end -}}
{{- end -}}
{{- $_ := set $byNS $ns $cur -}}
{{- end -}}
{{- end -}}
{{- $alts := list -}}
{{- range $ns := keys $byNS | sortAlpha -}}
{{- $exact := list -}}
{{- $preds := list -}}
{{- range $n := get $byNS $ns -}}
{{- if regexMatch "^[^*?\\[\\\\]*\\*$" $n -}}
{{- $preds = append $preds (printf "request.name.startsWith(%s)" (include "netguard.celString" (trimSuffix "*" $n))) -}}
{{- else if regexMatch "[*?\\[\\\\]" $n -}}
{{- fail (printf "config.targets: name pattern %q: the chart supports exact names and prefixes ending in \"*\" only" $n) -}}
{{- else -}}
{{- $exact = append $exact $n -}}
{{- end -}}
{{- end -}}
{{- if $exact -}}{{- $preds = prepend $preds (printf "request.name in %s" (include "netguard.celList" $exact)) -}}{{- end -}}
{{- $alts = append $alts (printf "(request.namespace == %s && (%s))" (include "netguard.celString" $ns) (join " || " $preds)) -}}
{{- end -}}
{{- if $alts -}}{{- join " || " $alts -}}{{- else -}}false{{- end -}}
{{- end -}}

{{/* Namespaces holding targeted ConfigMaps (netguard reads them for context). */}}
{{- define "netguard.targetNamespaces" -}}
{{- $t := .Values.config.targets -}}
{{- $ns := list -}}
{{- range $s := include "netguard.configMapTargetSections" . | fromJsonArray -}}
{{- $ns = concat $ns ((get $t $s.key | default dict).namespaces | default list) -}}
{{- end -}}
{{- $ns | uniq | sortAlpha | toJson -}}
{{- end -}}

{{/* matchConditions of the ConfigMap hooks. */}}
{{- define "netguard.configMapMatchConditions" -}}
- name: netguard-targets
  expression: {{ include "netguard.configMapMatchExpression" . | quote }}
{{- $ns := .Release.Namespace }}
{{- if has $ns (include "netguard.targetNamespaces" . | fromJsonArray) }}
- name: not-netguard-itself
  expression: {{ printf "!(request.namespace == %s && request.name.startsWith(%s))" (include "netguard.celString" $ns) (include "netguard.celString" (include "netguard.fullname" .)) | quote }}
{{- else }}
- name: not-netguard-namespace
  expression: {{ printf "request.namespace != %s" (include "netguard.celString" $ns) | quote }}
{{- end }}
{{- include "netguard.bypassCondition" . }}
{{- end -}}

{{/* matchConditions of the Service hooks. */}}
{{- define "netguard.serviceMatchConditions" -}}
- name: not-netguard-namespace
  expression: {{ printf "request.namespace != %s" (include "netguard.celString" .Release.Namespace) | quote }}
{{- with include "netguard.kindExcludedNamespaces" (list . "services") | fromJsonArray }}
- name: excluded-namespaces
  expression: {{ printf "!(request.namespace in %s)" (include "netguard.celList" .) | quote }}
{{- end }}
{{- include "netguard.bypassCondition" . }}
{{- end -}}

{{- define "netguard.bypassCondition" -}}
{{- with .Values.webhook.bypassGroups }}
- name: bypass-groups
  expression: {{ printf "!request.userInfo.groups.exists(g, g in %s)" (include "netguard.celList" .) | quote }}
{{- end }}
{{- end -}}

{{/* clientConfig of a hook; argument: (list $ "/validate"). */}}
{{- define "netguard.clientConfig" -}}
{{- $ := index . 0 -}}
{{- $path := index . 1 -}}
{{- if $.Values.webhook.url -}}
url: {{ printf "%s%s" (trimSuffix "/" $.Values.webhook.url) $path | quote }}
{{- else -}}
service:
  name: {{ include "netguard.fullname" $ }}
  namespace: {{ $.Release.Namespace }}
  path: {{ $path }}
  port: {{ $.Values.service.port }}
{{- end }}
{{- if and (eq (include "netguard.certMode" $) "secret") $.Values.certificates.secret.caBundle }}
caBundle: {{ $.Values.certificates.secret.caBundle | b64enc }}
{{- end }}
{{- end -}}

{{/* The rules of a hook on one resource. */}}
{{- define "netguard.rules" -}}
- apiGroups: [""]
  apiVersions: ["v1"]
  resources: [{{ . | quote }}]
  operations: ["CREATE", "UPDATE"]
  scope: Namespaced
{{- end -}}

{{- define "netguard.webhookAnnotations" -}}
{{- if eq (include "netguard.certMode" .) "cert-manager" }}
cert-manager.io/inject-ca-from: {{ printf "%s/%s-tls" .Release.Namespace (include "netguard.fullname" .) }}
{{- end }}
{{- with .Values.webhook.annotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Key of the CA bundle in the certificate Secret: cert-manager writes
ca.crt, netguard's self-managed CA ca-bundle.crt (every CA it trusts). */}}
{{- define "netguard.caBundleKey" -}}
{{- $mode := include "netguard.certMode" . -}}
{{- if eq $mode "secret" -}}{{ .Values.certificates.secret.caKey }}{{- else if eq $mode "cert-manager" -}}ca.crt{{- else -}}ca-bundle.crt{{- end -}}
{{- end -}}

{{/* PromQL label matchers selecting this release's netguard series: the
ServiceMonitor's job (the Service name) in the release namespace, unless
prometheusRule.selector says otherwise. */}}
{{- define "netguard.metricsSelector" -}}
{{- default (printf "job=%q,namespace=%q" (include "netguard.fullname" .) .Release.Namespace) .Values.prometheusRule.selector -}}
{{- end -}}

{{/*
"true" when a component judging every object of the resource (argument:
(list $ "services")) is enabled in config.targets, else "".
*/}}
{{- define "netguard.kindTargeted" -}}
{{- $ := index . 0 -}}
{{- $res := index . 1 -}}
{{- range $s := include "netguard.kindTargetSections" $ | fromJsonArray -}}
{{- if and (eq $s.resource $res) (get $.Values.config.targets $s.key | default dict).enabled -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{/* The namespaces config.targets excludes for the resource, as JSON (argument: (list $ "services")). */}}
{{- define "netguard.kindExcludedNamespaces" -}}
{{- $ := index . 0 -}}
{{- $res := index . 1 -}}
{{- $ex := list -}}
{{- range $s := include "netguard.kindTargetSections" $ | fromJsonArray -}}
{{- if eq $s.resource $res -}}
{{- $ex = concat $ex ((get $.Values.config.targets $s.key | default dict).excludeNamespaces | default list) -}}
{{- end -}}
{{- end -}}
{{- $ex | toJson -}}
{{- end -}}
