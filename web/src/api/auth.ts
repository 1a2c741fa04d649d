/** The session: who is signed in, signing in (password or worker PIN) and out. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from './client';
import type { SessionUser } from './types';

export const authKeys = {
  me: ['me'] as const,
};

/** The signed-in user, or null when nobody is (a 401 anywhere later sets it to null: see main.tsx). */
export function useMe() {
  return useQuery({
    queryKey: authKeys.me,
    // /auth/session answers 200 with user null when nobody is signed in: no failed request in the console on every load
    queryFn: async (): Promise<SessionUser | null> => (await api.get<{ user: SessionUser | null }>('/auth/session')).user,
    staleTime: Number.POSITIVE_INFINITY,
    retry: 2,
  });
}

type Credentials = { kind: 'password'; username: string; password: string } | { kind: 'pin'; workerId: string; pin: string };

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, ...body }: Credentials) => api.post<{ user: SessionUser }>(kind === 'pin' ? '/auth/pin-login' : '/auth/login', body),
    onSuccess: ({ user }) => queryClient.setQueryData(authKeys.me, user),
  });
}

/** Ends the session (a failure to reach the server signs out locally anyway) and forgets every cached answer. */
export function useSignOut(): () => Promise<void> {
  const queryClient = useQueryClient();
  return useCallback(async () => {
    await api.post('/auth/logout').catch(() => undefined);
    queryClient.clear();
    queryClient.setQueryData(authKeys.me, null);
  }, [queryClient]);
}
