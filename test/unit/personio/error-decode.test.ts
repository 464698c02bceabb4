import { PersonioHttpError, RateLimitedError } from '../../../src/errors'
import { httpError, readErrorEnvelope, retryAfterMs } from '../../../src/personio/error-decode'

describe('personio > error-decode', () => {
  it.each([
    [
      'v1',
      { success: false, error: { code: 0, message: 'Es ist ein Problem aufgetreten' } },
      { message: 'Es ist ein Problem aufgetreten', code: '0' },
    ],
    ['projects', { success: false, message: 'Project 5 not found' }, { message: 'Project 5 not found' }],
    [
      'v2 problem',
      {
        personio_trace_id: 't-1',
        timestamp: 'x',
        errors: [
          {
            title: 'Bad request',
            detail: 'Provided value for limit is not valid',
            type: 'https://developer.personio.de/reference/errors#common.bad_request',
          },
        ],
      },
      {
        message: 'Bad request: Provided value for limit is not valid',
        traceId: 't-1',
        code: 'common.bad_request',
      },
    ],
    [
      'custom reports',
      [
        {
          status: 400,
          trace_id: 't-2',
          timestamp: 'x',
          errors: [{ title: 'Bad Request', details: 'The report is archived' }],
        },
      ],
      { message: 'Bad Request: The report is archived', traceId: 't-2' },
    ],
    [
      'oauth',
      {
        error: 'unauthorized_client',
        error_description: 'The client credentials are invalid',
        trace_id: 't-3',
      },
      { message: 'The client credentials are invalid', traceId: 't-3', code: 'unauthorized_client' },
    ],
  ])('reads the %s envelope', (_name, body, expected) => {
    expect(readErrorEnvelope(body)).toEqual(expect.objectContaining(expected))
  })

  it('builds typed errors: status, endpoint, message, trace id; no token in kept headers', () => {
    const body = JSON.stringify({
      personio_trace_id: 'abc',
      errors: [{ title: 'Server error', detail: 'boom' }],
    })
    const error = httpError(
      'GET',
      '/v2/projects',
      503,
      { authorization: 'Bearer papi-secret', 'x-a': '1' },
      body,
      0,
    ) as PersonioHttpError
    expect(error).toBeInstanceOf(PersonioHttpError)
    expect(error).toMatchObject({
      status: 503,
      endpoint: '/v2/projects',
      traceId: 'abc',
      personioMessage: 'Server error: boom',
      retriable: true,
    })
    expect(error.message).toBe('Personio GET /v2/projects failed: 503 Server error: boom [trace abc]')
    expect(JSON.stringify(error.headers)).not.toContain('papi-secret')
    expect((httpError('GET', '/v1/x', 404, {}, 'not json', 0) as PersonioHttpError).retriable).toBe(false)
  })

  it('turns 429 into RateLimitedError, honouring Retry-After in seconds or as a date', () => {
    expect(httpError('GET', '/v1/x', 429, {}, '', 0)).toMatchObject({ retryAfterMs: 1000 })
    expect(httpError('GET', '/v1/x', 429, { 'retry-after': '3' }, '', 0)).toBeInstanceOf(RateLimitedError)
    expect(retryAfterMs({ 'retry-after': '3' }, 0)).toBe(3000)
    expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6000)
  })
})
