// Original file: proto/eddy.proto


export interface Ack {
}

export interface Ack__Output {
}
